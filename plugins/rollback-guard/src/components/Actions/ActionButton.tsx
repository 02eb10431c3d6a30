import { Button } from '@material-ui/core';
import {
  ActionRequest,
  EnvironmentReadiness,
} from '@rollback-guard/plugin-rollback-guard-common';
import { useState } from 'react';
import { ActionDialog } from './ActionDialog';

/**
 * "Act on <environment>…": opens the action dialog of one environment,
 * afresh (with a new idempotency key) at each opening.
 */
export function ActionButton(props: {
  entityRef: string;
  readiness: EnvironmentReadiness;
  computedAt: string;
  onRequested?: (action: ActionRequest) => void;
}) {
  const [open, setOpen] = useState(false);
  const [opening, setOpening] = useState(0);
  return (
    <>
      <Button
        size="small"
        variant="outlined"
        color="primary"
        onClick={() => {
          setOpening(n => n + 1);
          setOpen(true);
        }}
      >
        Act on {props.readiness.environment}…
      </Button>
      {opening > 0 && (
        <ActionDialog
          key={opening}
          open={open}
          onClose={() => setOpen(false)}
          {...props}
        />
      )}
    </>
  );
}
