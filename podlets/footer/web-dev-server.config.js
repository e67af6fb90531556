// `npm run dev`: this podlet's preview page and its TypeScript, unbundled (README, "Working on one podlet").
import { fileURLToPath } from 'node:url';
import { createPodletDevConfig } from '@podmap/runtime/dev';

export default createPodletDevConfig({ podletDir: fileURLToPath(new URL('.', import.meta.url)) });
