/**
 * $match: the filter in filter form (values/forms.ts), refused like a find filter when it uses what
 * the engine does not evaluate (geospatial operators, $text, $where), and run with the pipeline's
 * options so `$expr` sees the variables of `let` and of an enclosing $lookup.
 */
import { Query } from 'mingo/query';
import { CommandError } from '../../../errors';
import { Document, isPlainObject, toFilter } from '../../../values/forms';
import { compileFilter } from '../../matcher';
import type { StageDefinition } from './stage';

export const matchStage: StageDefinition = {
  prepare(spec) {
    if (!isPlainObject(spec)) throw new CommandError(15959, 'the match filter must be an expression in an object');
    const filter = toFilter(spec);
    compileFilter(filter); // refuses unsupported operators and reports malformed filters before any document is read
    return filter;
  },
  operator(collection, filter: Document, options) {
    if (Object.keys(filter).length === 0) return collection;
    const query = new Query(filter, options);
    return collection.filter((document: Document) => query.test(document));
  },
};
