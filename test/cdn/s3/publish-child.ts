// A publisher that the killed-publisher tests stop halfway: publishes a tarball into an S3
// store and, at the chosen point, tells its parent over IPC and waits to be killed.
// Usage: publish-child.ts <bucket> <prefix> <tarball> <staged | copying:N>: pause after the
// staged upload, or after N objects written into the version once it is claimed.
import { S3Client } from '@aws-sdk/client-s3';
import { createS3Store, publishTarball } from '../../../runtime/cdn/index.ts';

const [bucket, prefix, tarball, pauseAt] = process.argv.slice(2) as [string, string, string, string];
const client = new S3Client({
  endpoint: process.env.AWS_ENDPOINT_URL,
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
let claimed = false;
let copied = 0;
client.middlewareStack.add(
  (next, context) => async (args) => {
    const result = await next(args);
    if (context.commandName !== 'PutObjectCommand') return result;
    const key = String((args.input as { Key?: string }).Key);
    if (claimed) copied++;
    claimed ||= key.endsWith('/claim.json');
    const reached = pauseAt === 'staged' ? key.endsWith('/release') : pauseAt === `copying:${copied}`;
    if (reached) {
      process.send!({ paused: key, copied });
      // Held here until the parent's SIGKILL; the IPC channel keeps the process alive.
      await new Promise(() => {});
    }
    return result;
  },
  { step: 'initialize', name: 'pauseForTest' },
);
await publishTarball(createS3Store({ client, bucket, prefix }), tarball);
process.send!({ finished: true });
