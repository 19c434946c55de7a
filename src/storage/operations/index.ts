// Local operations (SYNC-PROTOCOL.md §8), as functions of a WriteContext; the Replica runs each in one transaction.
export { addBranch, type KeyFor } from './rows';
export * from './noteEdits';
export { moveBranch, reorderChildren, setPrefix, deleteBranch, deleteNote, undeleteNote } from './treeEdits';
