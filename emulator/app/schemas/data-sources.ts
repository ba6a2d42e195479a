/**
 * data_sources/<name>/config.json (docs: reference/config/data_sources). Legacy MongoDB services
 * (services/<name>/config.json) are read with the service schema in legacy.ts.
 */
import { z } from 'zod';
import { jsonObject, serviceName } from './common';

export const DATA_SOURCE_TYPES = ['mongodb-atlas', 'mongodb-datafederation', 'datalake', 'mongodb'] as const;

export const dataSourceConfigSchema = z.looseObject({
  name: serviceName,
  type: z.enum(DATA_SOURCE_TYPES),
  config: jsonObject.optional(),
});
