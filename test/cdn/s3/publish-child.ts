// A publisher that the killed-publisher tests stop halfway: publishes a tarball into an S3
// store and, at the chosen point, tells its parent over IPC and waits to be killed.
// Usage: publish-child.ts <bucket> <prefix> <tarball> <staged:N | claimed>
import { S3Client } from '@aws-sdk/client-s3';
import { createS3Store, publishTarball } from '../../../runtime/cdn/index.ts';

const [bucket, prefix, tarball, pauseAt] = process.argv.slice(2) as [string, string, string, string];
const client = new S3Client({
  endpoint: process.env.AWS_ENDPOINT_URL,
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
let puts = 0;
client.middlewareStack.add(
  (next, context) => async (args) => {
    const result = await next(args);
    if (context.commandName !== 'PutObjectCommand') return result;
    puts++;
    const key = String((args.input as { Key?: string }).Key);
    const reached = pauseAt === 'claimed' ? key.endsWith('/claim.json') : pauseAt === `staged:${puts}`;
    if (reached) {
      process.send!({ paused: key, puts });
      // Held here until the parent's SIGKILL; the IPC channel keeps the process alive.
      await new Promise(() => {});
    }
    return result;
  },
  { step: 'initialize', name: 'pauseForTest' },
);
await publishTarball(createS3Store({ client, bucket, prefix }), tarball);
process.send!({ finished: true });
