import {
  CodeSnippet,
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { Box, Button, Typography } from '@material-ui/core';
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

/** An InfoCard around `FetchStates`: a card of its own fetch. */
export function FetchCard<T>(
  props: Parameters<typeof FetchStates<T>>[0] & { title: string },
) {
  const { title, ...states } = props;
  return (
    <InfoCard title={title}>
      <FetchStates<T> {...states} />
    </InfoCard>
  );
}

/**
 * What went wrong, in one line: the backend's own message for a
 * ResponseError (whose message is only the HTTP status), else the error's.
 */
export function errorMessage(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message) {
    return cause.message;
  }
  return error.message;
}

/**
 * A compact error line, "<title>: <message>", with a "Try again" button when
 * `retry` is given; for a part of a view that failed while the rest stands.
 */
export function InlineError(props: {
  title: string;
  error: Error;
  retry?: () => void;
}) {
  return (
    <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8}>
      <Typography variant="body2" color="error" role="alert">
        {props.title}: {errorMessage(props.error)}
      </Typography>
      {props.retry && (
        <Button size="small" variant="outlined" onClick={props.retry}>
          Try again
        </Button>
      )}
    </Box>
  );
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
