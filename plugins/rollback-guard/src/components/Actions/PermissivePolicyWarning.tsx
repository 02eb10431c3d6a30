import { Alert } from '@material-ui/lab';

/**
 * Said wherever approvals are asked for when the permission policy in use
 * lets anyone approve (the allow-all policy of the example app), so that
 * it is not copied to production unnoticed.
 */
export function PermissivePolicyWarning() {
  return (
    <Alert severity="warning" role="alert">
      This Backstage&apos;s permission policy lets anyone approve actions (it
      looks like the allow-all policy): approvals prove nothing here. Do not use
      it in production.
    </Alert>
  );
}
