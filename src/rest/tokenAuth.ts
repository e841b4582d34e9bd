import { Router } from 'express';
import type { AppRuntime } from '../context';

/** RA: the token-auth API (`/api/token`, `/api/resource`). `/api/users` lives in shipApi.ts (decision 3). */
export function tokenAuthRouter(_runtime: AppRuntime): Router {
  return Router();
}
