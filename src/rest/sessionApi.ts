import { Router } from 'express';
import type { AppRuntime } from '../context';

/** HB: the session-auth API under `/api/v1`. */
export function sessionApiRouter(_runtime: AppRuntime): Router {
  return Router();
}
