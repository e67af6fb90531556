import { startDemo } from './demo.ts';

/** `npm start`: the whole demo in the foreground; Ctrl-C or SIGTERM stops every process. */
const demo = await startDemo({ log: (line) => console.log(line) }).catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
const home = demo.urls.layout!.replace('127.0.0.1', 'localhost');
console.log(`\npodmap demo is running:\n  home    ${home}\n  search  ${home}search\n  CDN     ${demo.urls.cdn}\n\nCtrl-C stops it.`);
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('\npodmap: stopping…');
    void demo.stop().then(() => process.exit(0));
  });
}
