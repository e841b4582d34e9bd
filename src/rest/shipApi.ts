import { Router } from 'express';
import type { AppRuntime } from '../context';

/** TX: the JWT ship API (`/auth/*`, `/api/users`, `/api/ships`). */
export function shipApiRouter(_runtime: AppRuntime): Router {
  return Router();
}
