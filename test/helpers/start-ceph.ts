// A one-node Ceph cluster with an S3 gateway for the S3 store tests: one monitor, one OSD that
// keeps its objects in memory (memstore) and radosgw, all under a temporary folder, on free
// loopback ports, with no authentication between the daemons and no systemd. Run it as a script
// (`node --import tsx test/helpers/start-ceph.ts`) to get a server for manual work: it prints the
// endpoint and keys and stops the cluster on Ctrl-C.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);

/** A running cluster: its S3 endpoint and keys, and how to stop it. */
export interface CephS3 {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** The cluster's folder: ceph.conf, the daemons' logs. */
  dir: string;
  /** Stops radosgw, the OSD and the monitor, in that order, and removes the folder. */
  stop(): Promise<void>;
}

const daemons = ['ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin', 'ceph'];

/**
 * Starts the cluster and creates one S3 user; about 12 s. Ports come from binding port 0; a
 * port taken again before the daemon binds it (another test, another helper) makes the start
 * fail, and it is tried again on new ports, three times in all. Throws with the daemons' logs
 * when the packages are missing or the cluster does not come up: the S3 tests must then fail.
 */
export async function startCeph(): Promise<CephS3> {
  for (const binary of daemons) {
    await run('sh', ['-c', `command -v ${binary}`]).catch(() => {
      throw new Error(`${binary} not found: install Debian's ceph-mon ceph-osd radosgw ceph-common (.ci/run does)`);
    });
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = await mkdtemp(join(tmpdir(), 'podmap-ceph-'));
    const cluster = new Cluster(dir);
    try {
      return await cluster.start();
    } catch (error) {
      lastError = error;
      await cluster.stop();
    }
  }
  throw lastError;
}

class Cluster {
  private readonly children: Array<{ name: string; child: ChildProcess }> = [];
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly dir: string) {
    this.env = { ...process.env, CEPH_CONF: join(dir, 'ceph.conf') };
  }

  async start(): Promise<CephS3> {
    const [monPort, rgwPort] = [await freePort(), await freePort()];
    const fsid = randomUUID();
    await Promise.all(['mon', 'osd', 'run', 'log'].map((sub) => mkdir(join(this.dir, sub), { recursive: true })));
    await writeFile(join(this.dir, 'ceph.conf'), cephConf(this.dir, fsid, monPort, rgwPort));
    await this.tool('ceph-authtool', [
      '--create-keyring',
      join(this.dir, 'mon.keyring'),
      '--gen-key',
      '-n',
      'mon.',
      '--cap',
      'mon',
      'allow *',
    ]);
    await this.tool('monmaptool', ['--create', '--fsid', fsid, '--addv', 'a', `[v2:127.0.0.1:${monPort}]`, join(this.dir, 'monmap')]);
    await this.tool('ceph-mon', ['--mkfs', '-i', 'a', '--monmap', join(this.dir, 'monmap'), '--keyring', join(this.dir, 'mon.keyring')]);
    this.daemon('mon', 'ceph-mon', ['-f', '-i', 'a']);
    const osdUuid = randomUUID();
    const osdId = (await this.tool('ceph', ['osd', 'new', osdUuid])).trim();
    await this.tool('ceph-osd', ['-i', osdId, '--mkfs', '--osd-uuid', osdUuid]);
    this.daemon('osd', 'ceph-osd', ['-f', '-i', osdId]);
    await this.until('the OSD to be up', async () => (await this.tool('ceph', ['osd', 'stat'])).includes('1 up'));
    this.daemon('rgw', 'radosgw', ['-f', '-n', 'client.rgw.a']);
    const endpoint = `http://127.0.0.1:${rgwPort}`;
    await this.until('radosgw to answer', async () => (await fetch(endpoint)).status > 0);
    const keys = { accessKeyId: 'PODMAPTESTACCESS', secretAccessKey: 'podmap-test-secret' };
    await this.tool('radosgw-admin', [
      'user',
      'create',
      '--uid=podmap',
      '--display-name=podmap',
      `--access-key=${keys.accessKeyId}`,
      `--secret-key=${keys.secretAccessKey}`,
    ]);
    return { endpoint, ...keys, region: 'us-east-1', dir: this.dir, stop: () => this.stop() };
  }

  /** Stops the daemons, newest first: the OSD only exits quickly while the monitor still runs. */
  async stop(): Promise<void> {
    for (const { child } of this.children.reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      // memstore keeps nothing worth a clean shutdown: after 3 s, SIGKILL.
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  private async tool(binary: string, args: string[]): Promise<string> {
    const { stdout } = await run(binary, args, { env: this.env, timeout: 30_000 });
    return stdout;
  }

  private daemon(name: string, binary: string, args: string[]): void {
    const child = spawn(binary, args, { env: this.env, stdio: 'ignore' });
    this.children.push({ name, child });
    // A test process that ends without stop() (a crash, a failed before hook) takes its daemons along.
    const orphaned = () => child.kill('SIGKILL');
    process.once('exit', orphaned);
    child.once('exit', () => process.off('exit', orphaned));
  }

  private async until(what: string, check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const dead = this.children.find(({ child }) => child.exitCode !== null);
      if (dead) throw new Error(`${dead.name} exited while waiting for ${what}:\n${await this.logs()}`);
      if (await check().catch(() => false)) return;
      // Polling a daemon that has no event to wait on: a short pause between probes.
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`timed out waiting for ${what}:\n${await this.logs()}`);
  }

  private async logs(): Promise<string> {
    const parts: string[] = [];
    for (const name of ['mon.a', 'osd.0', 'client.rgw.a']) {
      const text = await readFile(join(this.dir, 'log', `${name}.log`), 'utf8').catch(() => '');
      parts.push(`--- ${name}.log (end)\n${text.slice(-3000)}`);
    }
    return parts.join('\n');
  }
}

/** ceph.conf of the cluster; everything below `dir`, nothing in /etc or /var. */
function cephConf(dir: string, fsid: string, monPort: number, rgwPort: number): string {
  return `[global]
fsid = ${fsid}
mon host = v2:127.0.0.1:${monPort}
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
# radosgw asks the monitor for a secure session by default, which needs cephx.
ms mon client mode = crc
ms bind ipv6 = false
run dir = ${dir}/run
admin socket = ${dir}/run/$name.asok
log file = ${dir}/log/$name.log
pid file = ${dir}/run/$name.pid
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
[mon]
mon data = ${dir}/mon
[osd]
osd data = ${dir}/osd
osd objectstore = memstore
memstore device bytes = 1073741824
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:${rgwPort}
rgw enable usage log = false
rgw dns name = localhost
debug rgw = 0/0
`;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const ceph = await startCeph();
  console.log(`AWS_ENDPOINT_URL=${ceph.endpoint}\nAWS_REGION=${ceph.region}`);
  console.log(`AWS_ACCESS_KEY_ID=${ceph.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${ceph.secretAccessKey}`);
  console.log('# Ctrl-C stops the cluster');
  const stop = () => void ceph.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
