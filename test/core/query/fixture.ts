// A small document with books, people, projects, a template, archived notes and accented text, for the search tests.
import type { Replica } from '../../../src/storage';
import { newDoc } from '../storage/helpers';

export interface Fixture {
  replica: Replica;
  id: Record<string, string>;
  /** noteId → fixture name, to compare results by name. */
  name: Map<string, string>;
}

export async function buildFixture(): Promise<Fixture> {
  const replica = await newDoc();
  const id: Record<string, string> = {};
  const note = async (key: string, parent: string, title: string, content = '', type = 'text', mime?: string) => {
    const r = await replica.createNote({ parentNoteId: parent === 'root' ? 'root' : id[parent], title, content, type, mime });
    id[key] = r.noteId;
  };
  const label = (key: string, name: string, value = '', inheritable = false) => replica.addAttribute(id[key], 'label', name, value, inheritable);
  const relation = (key: string, name: string, target: string) => replica.addAttribute(id[key], 'relation', name, id[target]);

  await note('books', 'root', 'Books', '', 'book');
  await note('lotr', 'books', 'The Lord of the Rings', '<p>Frodo carries the <b>Ring</b> to Mordor</p>');
  await note('hobbit', 'books', 'The Hobbit', '<p>Bilbo finds a ring</p>');
  await note('dune', 'books', 'Dune', '<p>Spice must flow</p>');
  await note('people', 'root', 'People');
  await note('tolkien', 'people', 'Tolkien');
  await note('herbert', 'people', 'Herbert');
  await note('projects', 'root', 'Projects');
  await note('alpha', 'projects', 'Alpha', '<p>alpha launch plan</p>');
  await note('alphaTasks', 'alpha', 'Alpha Tasks');
  await note('templates', 'root', 'Templates');
  await note('taskTemplate', 'templates', 'Task template');
  await note('taskOne', 'root', 'Task one');
  await note('old', 'root', 'Old stuff');
  await note('ancient', 'old', 'Ancient note', '<p>Frodo in an old draft</p>');
  await note('cafe', 'root', 'Café notes', '<p>Crème brûlée</p>');
  await note('script', 'root', 'Script', 'const ring = 1;', 'code', 'application/javascript;env=frontend');

  for (const b of ['lotr', 'hobbit', 'dune']) await label(b, 'book');
  await label('lotr', 'year', '1954');
  await label('lotr', 'genre', 'fantasy');
  await label('hobbit', 'year', '1937');
  await label('dune', 'year', '1965');
  await label('dune', 'genre', 'Science Fiction');
  await relation('lotr', 'author', 'tolkien');
  await relation('hobbit', 'author', 'tolkien');
  await relation('dune', 'author', 'herbert');
  await label('tolkien', 'person');
  await label('tolkien', 'born', '1892');
  await label('herbert', 'person');
  await label('herbert', 'born', '1920');
  await label('projects', 'project', '', true);
  await label('taskTemplate', 'template');
  await label('taskTemplate', 'taskStatus', 'open');
  await label('taskTemplate', 'priority', '2');
  await relation('taskOne', 'template', 'taskTemplate');
  await label('old', 'archived', '', true);

  const name = new Map(Object.entries(id).map(([k, v]) => [v, k]));
  return { replica, id, name };
}
