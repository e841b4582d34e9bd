// Bench anchor: a bare Express 5 route doing the jose verify Hangar does for an access token
// (Bearer, or the token as the Basic user name), with no database, answering as RA's /api/resource.
import express from 'express';
import { anchorKeys, serve, verifyAuthorization } from './serve';

serve(async () => {
  const keys = await anchorKeys();
  const app = express();
  app.get('/api/resource', async (req, res) => {
    const claims = await verifyAuthorization(keys, req.headers.authorization);
    if (!claims) {
      res.status(401).send('Unauthorized Access');
      return;
    }
    res.json({ data: 'Hello, user!' });
  });
  return app as unknown as import('node:http').RequestListener;
});
