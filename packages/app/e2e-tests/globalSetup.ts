import { execFileSync } from 'node:child_process';
import path from 'node:path';

// The browser test looks at the example deployments that `npm start`
// records; record them the same way, through the ledger API.
export default function globalSetup() {
  execFileSync(
    'node',
    [path.resolve(__dirname, '../../../scripts/seed-ledger.js')],
    { stdio: 'inherit' },
  );
}
