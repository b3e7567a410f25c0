import { Joi } from '../validate.ts';

/** A backup's file name as the server writes it (format.ts): nothing else, so no path can reach another file. */
export const backupNameParam = Joi.object({
  name: Joi.string().pattern(/^shn-backup-\d{8}-\d{6}-\d{3}Z\.jsonl\.gz$/, 'backup file name').required(),
});
