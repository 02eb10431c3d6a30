import { Content, InfoCard } from '@backstage/core-components';
import { Grid, Typography } from '@material-ui/core';
import { RollbackGuardSummary } from '@rollback-guard/plugin-rollback-guard-common';
import { Fragment } from 'react';
import { useActions } from '../../hooks/useActions';
import { useReadiness } from '../../hooks/useReadiness';
import { ActionsCard, AuditTrailCard } from '../Actions';
import { useRollbackGuardOverview } from '../../hooks/useRollbackGuardOverview';
import { AnnotationStatusList } from '../AnnotationStatusList';
import { DeploymentHistoryCard } from '../DeploymentHistory';
import { ReadinessCard } from '../Readiness';
import { OverviewStates } from '../RollbackGuardStates';
import { RolloutStatusTable } from '../RolloutStatusTable';

function separator(index: number, count: number): string {
  if (index === 0) return '';
  return index === count - 1 ? ' and ' : ', ';
}

/** "the <b>ledger</b> provider", "the <b>a</b>, <b>b</b> and <b>c</b> providers". */
function Providers(props: { providers: string[] }) {
  const { providers } = props;
  return (
    <>
      the{' '}
      {providers.map((name, i) => (
        <Fragment key={name}>
          {separator(i, providers.length)}
          <strong>{name}</strong>
        </Fragment>
      ))}{' '}
      provider{providers.length > 1 ? 's' : ''}
    </>
  );
}

function Configuration(props: { summary: RollbackGuardSummary }) {
  const { summary } = props;
  return (
    <InfoCard title="Configuration" subheader={summary.entityRef}>
      <Typography variant="body2">
        Deployments are read from <Providers providers={summary.providers} />.{' '}
        {summary.valid
          ? 'Every rollback-guard/ annotation is valid.'
          : "Some rollback-guard/ annotations are invalid: fix them in the entity's catalog-info.yaml."}
      </Typography>
      <AnnotationStatusList annotations={summary.annotations} />
    </InfoCard>
  );
}

/**
 * The Rollback Guard tab of an entity page: what runs where, how ready each
 * environment is to go back (and the action dialog of each), the action
 * requests, the history of deployments, the audit trail, and the
 * configuration.
 *
 * @public
 */
export function RollbackGuardContent() {
  const overview = useRollbackGuardOverview();
  const { value, entityRef } = overview;
  // The readiness and the history are fetched alongside the overview; they
  // are left out only once the overview says that Rollback Guard is not set
  // up for the entity.
  const readiness = useReadiness(entityRef);
  const { actions, audit, refresh } = useActions(entityRef);
  const notSetUp =
    value !== undefined && value.summary.annotations.length === 0;
  return (
    <Content noPadding>
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <InfoCard title="Rollout status">
            <OverviewStates {...overview}>
              {({ rollout }) => (
                <RolloutStatusTable
                  rollout={rollout}
                  readiness={readiness.value}
                />
              )}
            </OverviewStates>
          </InfoCard>
        </Grid>
        {!notSetUp && (
          <Grid item xs={12}>
            <ReadinessCard readiness={readiness} onActionRequested={refresh} />
          </Grid>
        )}
        {!notSetUp && (
          <Grid item xs={12}>
            <ActionsCard actions={actions} onChanged={refresh} />
          </Grid>
        )}
        {!notSetUp && (
          <Grid item xs={12}>
            <DeploymentHistoryCard
              entityRef={entityRef}
              environments={
                value?.rollout.environments.map(e => e.environment) ?? []
              }
            />
          </Grid>
        )}
        {!notSetUp && (
          <Grid item xs={12}>
            <AuditTrailCard audit={audit} actions={actions.value} />
          </Grid>
        )}
        {value && !notSetUp && (
          <Grid item xs={12}>
            <Configuration summary={value.summary} />
          </Grid>
        )}
      </Grid>
    </Content>
  );
}
