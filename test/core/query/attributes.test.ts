// A note's attributes as Trilium applies them (own, inherited from ancestors and templates) and its promoted fields.
import { strict as assert } from 'node:assert';
import { cleanupDirs } from '../storage/helpers';
import { buildFixture, type Fixture } from './fixture';

describe('effective attributes and promoted fields', () => {
  let f: Fixture;
  before(async () => { f = await buildFixture(); });
  after(async () => { await f.replica.close(); cleanupDirs(); });

  const show = async (key: string) => (await f.replica.getEffectiveAttributes(f.id[key]))
    .map((a) => `${a.type === 'label' ? '#' : '~'}${a.name}=${a.type === 'relation' ? a.targetTitle : a.value}${a.inherited ? ` (from ${a.ownerTitle})` : ''}`);

  it('own attributes first, then inheritable ones of ancestors', async () => {
    assert.deepEqual(await show('alphaTasks'), ['#project= (from Projects)']);
    assert.deepEqual(await show('lotr'), ['#book=', '#year=1954', '#genre=fantasy', '~author=Tolkien']);
  });

  it("a ~template's attributes, except its #template marker", async () => {
    assert.deepEqual(await show('taskOne'), ['~template=Task template', '#taskStatus=open (from Task template)', '#priority=2 (from Task template)']);
  });

  it('promoted definitions (#label:name="promoted,…") with the values the note has', async () => {
    const tpl = f.id.taskTemplate;
    await f.replica.addAttribute(tpl, 'label', 'label:priority', 'promoted,single,number');
    await f.replica.addAttribute(tpl, 'label', 'label:notes', 'single,text');
    await f.replica.addAttribute(tpl, 'label', 'relation:assignee', 'promoted,single');
    const fields = await f.replica.getPromotedFields(f.id.taskOne);
    assert.deepEqual(fields.map((x) => [x.type, x.name, x.definition.join(','), x.values.map((v) => v.value)]), [
      ['label', 'priority', 'promoted,single,number', ['2']],
      ['relation', 'assignee', 'promoted,single', []],
    ]);
  });
});
