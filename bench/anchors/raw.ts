// Bench anchor: raw node:http answering the `{ me { id username } }` JSON, no auth, no database:
// what Node itself costs.
import { serve } from './serve';

const body = JSON.stringify({ data: { me: { id: 1, username: 'user' } } });

serve(async () => (req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
