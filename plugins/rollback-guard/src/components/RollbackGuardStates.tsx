import {
  CodeSnippet,
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { Button } from '@material-ui/core';
import { ReactNode } from 'react';
import { RollbackGuardOverview } from '../hooks/useRollbackGuardOverview';

const EXAMPLE = `metadata:
  annotations:
    rollback-guard/environments: staging, production
    rollback-guard/artifact: registry.example.com/team/service`;

/** The state of a fetch, as `useAsyncRetry` gives it. */
export type FetchState<T> = {
  loading: boolean;
  error?: Error;
  value?: T;
  retry: () => void;
};

/**
 * A progress indicator while loading, the error with a "Try again" button,
 * else `children(value)`.
 */
export function FetchStates<T>(
  props: FetchState<T> & {
    /** Names what is loading, for the progress indicator. */
    loadingLabel: string;
    /** Says what could not be loaded, above the error. */
    errorTitle: string;
    children: (value: T) => ReactNode;
  },
) {
  const { loading, error, value, retry, children } = props;
  if (loading && value === undefined) {
    return <Progress aria-label={props.loadingLabel} />;
  }
  if (error) {
    return (
      <>
        <ResponseErrorPanel title={props.errorTitle} error={error} />
        <Button variant="outlined" onClick={retry}>
          Try again
        </Button>
      </>
    );
  }
  return value === undefined ? null : <>{children(value)}</>;
}

/**
 * The loading, error and empty states the card and the tab share; renders
 * `children(overview)` once there is something to show.
 */
export function OverviewStates(
  props: FetchState<RollbackGuardOverview> & {
    children: (overview: RollbackGuardOverview) => ReactNode;
  },
) {
  const { children, ...state } = props;
  return (
    <FetchStates
      {...state}
      loadingLabel="Loading Rollback Guard"
      errorTitle="Rollback Guard could not load this entity"
    >
      {overview =>
        overview.summary.annotations.length === 0 ? (
          <EmptyState
            missing="field"
            title="Rollback Guard is not set up for this entity"
            description="Add rollback-guard/ annotations to the entity's catalog-info.yaml, for example:"
            action={<CodeSnippet language="yaml" text={EXAMPLE} />}
          />
        ) : (
          children(overview)
        )
      }
    </FetchStates>
  );
}
