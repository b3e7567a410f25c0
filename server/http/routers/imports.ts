import { Router } from 'express';
import type { AppDeps } from '../../context.ts';

// Placeholder: routes of this area are added by its issue.
export function importsRouter(_deps: AppDeps): Router {
  return Router();
}
