import {
  CodeSnippet,
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { Button } from '@material-ui/core';
import { ReactNode } from 'react';
import { RollbackGuardSummary } from '@rollback-guard/plugin-rollback-guard-common';

const EXAMPLE = `metadata:
  annotations:
    rollback-guard/environments: staging, production
    rollback-guard/artifact: registry.example.com/team/service`;

/**
 * The loading, error and empty states the card and the tab share; renders
 * `children(summary)` once there is something to show.
 */
export function SummaryStates(props: {
  loading: boolean;
  error?: Error;
  value?: RollbackGuardSummary;
  retry: () => void;
  children: (summary: RollbackGuardSummary) => ReactNode;
}) {
  const { loading, error, value, retry, children } = props;
  if (loading && !value) {
    return <Progress aria-label="Loading Rollback Guard" />;
  }
  if (error) {
    return (
      <>
        <ResponseErrorPanel
          title="Rollback Guard could not load this entity"
          error={error}
        />
        <Button variant="outlined" onClick={retry}>
          Try again
        </Button>
      </>
    );
  }
  if (!value || value.annotations.length === 0) {
    return (
      <EmptyState
        missing="field"
        title="Rollback Guard is not set up for this entity"
        description="Add rollback-guard/ annotations to the entity's catalog-info.yaml, for example:"
        action={<CodeSnippet language="yaml" text={EXAMPLE} />}
      />
    );
  }
  return <>{children(value)}</>;
}
