import { readEnv } from './app/env.server.ts';
import { startServer } from './server/start.ts';

await startServer(readEnv());
