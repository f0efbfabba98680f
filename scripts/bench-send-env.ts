/**
 * The send bench's process environment, set before any other module loads (ES modules evaluate their imports first,
 * and the shared logger and SDK clients read the environment when they load).
 */
import { randomBytes } from 'node:crypto';

const rate = process.argv.includes('--rate') ? process.argv[process.argv.indexOf('--rate') + 1] : undefined;

Object.assign(process.env, {
  SIGNING_KEY: randomBytes(32).toString('hex'),
  // High by default so pacing does not hide the pipeline's own speed.
  SES_MAX_SEND_RATE: rate ?? '1000000',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  LOG_LEVEL: 'SILENT',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});
