import { PodmapError } from '../../shared/errors.ts';
import type { CliCommand } from '../cli-io.ts';

const usage = `usage: podmap cdn <serve | publish | publish-podlet | nginx-config | reindex | token> …
The asset CDN, from @podmap/cdn (npm install @podmap/cdn). \`podmap cdn\` alone serves.
  token <team> <scope>…   make a new publish token for a team: prints the token once, and the
                          line to add to the CDN's token file (PODMAP_CDN_TOKENS_FILE), which
                          keeps only its hash. Scopes: podlet/<name>, podlet/*, npm/<name>,
                          npm/@scope/*, npm/*, *.
\`podmap cdn help\` lists the CDN's own commands.`;

/** Loads @podmap/cdn, which holds the CDN and its build engine, so a podlet team's install never needs it. */
async function loadCdn(): Promise<typeof import('@podmap/cdn') & typeof import('@podmap/cdn/cli')> {
  try {
    const [cdn, cli] = await Promise.all([import('@podmap/cdn'), import('@podmap/cdn/cli')]);
    return { ...cdn, ...cli };
  } catch (error) {
    const { code, message } = error as Error & { code?: string };
    if (code === 'ERR_MODULE_NOT_FOUND' && message.includes('@podmap/cdn')) {
      throw new PodmapError('PODMAP_ERR_CLI_NEEDS_PACKAGE', '`podmap cdn` needs @podmap/cdn: npm install @podmap/cdn');
    }
    throw error;
  }
}

/** `podmap cdn …`: the asset CDN's own commands (serve, publish into a store, nginx, reindex, tokens). */
export const cdnCommand: CliCommand = {
  summary: 'run the asset CDN: serve, publish into its store, nginx-config, reindex, token',
  usage,
  async run(args, io) {
    const cdn = await loadCdn();
    if (args[0] === 'help') {
      io.out(`${usage}\n\n${cdn.cdnUsage}`);
      return;
    }
    if (args[0] === 'token') {
      const [, team, ...scope] = args;
      if (!team || scope.length === 0) throw new PodmapError('PODMAP_ERR_CLI_USAGE', `a team and at least one scope are needed\n${usage}`);
      const { token, entry } = cdn.createTeamToken(team, scope);
      io.out(`token for ${team} (shown once; give it to the team as PODMAP_CDN_TOKEN):\n${token}\n`);
      io.out(`add to the "tokens" list of the CDN's token file:\n${JSON.stringify(entry)}`);
      return;
    }
    await cdn.runCdnCommand(args, io.out);
  },
};
