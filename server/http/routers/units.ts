import { Router } from 'express';
import type { AppDeps } from '../../context.ts';
import { Joi, validate } from '../validate.ts';
import { listWardsAsGeoJson } from '../../domain/units/service.ts';

export const unitsQuery = Joi.object({ district: Joi.string().pattern(/^\d{3}$/) });

/** Ward boundaries are public administrative data: served without login so the map can draw at once. */
export function unitsRouter(deps: AppDeps): Router {
  const r = Router();
  r.get('/units', async (req, res) => {
    const q = validate<{ district?: string }>(unitsQuery, req.query);
    res.json(await listWardsAsGeoJson(deps.db, q.district ?? deps.config.districtCode));
  });
  return r;
}
