import path from 'node:path';
import { demoPodletNames, listenOnDemoPort, type DemoPodletName } from './demo-wiring.ts';

/**
 * Runs one demo podlet as a process of its own: `tsx layouts/serve-podlet.ts <name>`, or
 * `npm start -w podlets/<name>` (the name is then the podlet's folder). The podlet's server.ts
 * only creates the podlet; where it listens is the demo's wiring (demo-wiring.ts).
 */
const name = process.argv[2] ?? path.basename(process.cwd());
if (!(demoPodletNames as string[]).includes(name)) {
  console.error(`podmap: no demo podlet "${name}"; one of ${demoPodletNames.join(', ')}`);
  process.exit(2);
}
const { podlet } = (await import(`../podlets/${name}/server.ts`)) as {
  podlet: { listen(port: number, host?: string): Promise<import('node:http').Server> };
};
await listenOnDemoPort(podlet, name as DemoPodletName);
