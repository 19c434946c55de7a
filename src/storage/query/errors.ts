import { TriliumError } from '../errors';

/** A query the parser does not accept: `position` and `token` point at the offending token of the query. */
export class SearchSyntaxError extends TriliumError {
  constructor(message: string, readonly position: number, readonly token: string, readonly query: string) {
    super('INVALID_OPERATION', `${message} (at ${position + 1}: "${token}")`,
      'Fix the search query; see Trilium\'s search syntax (e.g. #label=value, note.title *=* word, orderBy note.title).');
    this.name = 'SearchSyntaxError';
  }
}
