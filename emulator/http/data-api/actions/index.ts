/** The ten Data API actions by the name in the URL (`…/action/<name>`). */
import type { DataApiAction } from './action';
import { aggregate } from './aggregate';
import { deleteMany } from './delete-many';
import { deleteOne } from './delete-one';
import { find } from './find';
import { findOne } from './find-one';
import { insertMany } from './insert-many';
import { insertOne } from './insert-one';
import { replaceOne } from './replace-one';
import { updateMany } from './update-many';
import { updateOne } from './update-one';

export type { ActionRequest, DataApiAction } from './action';

const ACTIONS: ReadonlyMap<string, DataApiAction> = new Map(
  [findOne, find, insertOne, insertMany, updateOne, updateMany, replaceOne, deleteOne, deleteMany, aggregate].map((action) => [action.name, action]),
);

export const ACTION_NAMES: readonly string[] = [...ACTIONS.keys()];

/** The action of that name; a Map, so `__proto__` or `constructor` in a URL names nothing. */
export function actionNamed(name: string): DataApiAction | undefined {
  return ACTIONS.get(name);
}
