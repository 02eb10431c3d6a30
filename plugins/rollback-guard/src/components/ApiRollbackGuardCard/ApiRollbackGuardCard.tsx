import { InfoCard, Link, Progress } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import {
  RELATION_API_PROVIDED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  EntityRefLink,
  entityRouteParams,
  entityRouteRef,
  getEntityRelations,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { Box, makeStyles, Typography } from '@material-ui/core';
import {
  CheckFinding,
  ReadinessSnapshot,
  Risk,
} from '@rollback-guard/plugin-rollback-guard-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { rollbackGuardApiRef } from '../../api';
import { CheckFindings } from '../CheckFindings';
import { RiskBadge } from '../RiskBadge';
import { InlineError } from '../RollbackGuardStates';

/** The check whose findings name the APIs a rollback changes. */
const API_CHECK_ID = 'api-compatibility';

/** One way back that would change the API: where, to what, and what it loses. */
type ApiRollback = {
  environment: string;
  version: string;
  risk: Risk;
  findings: CheckFinding[];
};

/** What the provider's readiness says about one API. */
export type ApiRollbacks = {
  /** Ways back whose API check found something about this API. */
  concerned: ApiRollback[];
  /** Ways back the API check judged at all. */
  compared: number;
  /** The API check's reasons where it could not judge. */
  unknown: string[];
};

/**
 * The ways back in a provider's readiness that change the API `apiRef`:
 * the API compatibility findings that name it, per environment and
 * candidate.
 */
export function apiRollbacks(
  snapshot: ReadinessSnapshot,
  apiRef: string,
): ApiRollbacks {
  const result: ApiRollbacks = { concerned: [], compared: 0, unknown: [] };
  for (const environment of snapshot.environments) {
    for (const candidate of environment.candidates) {
      const check = candidate.checks.find(c => c.checkId === API_CHECK_ID);
      if (!check) continue;
      result.compared += 1;
      if (check.status === 'unknown') {
        result.unknown.push(
          `${environment.environment}, ${candidate.candidate.version}: ${check.summary}`,
        );
      }
      const findings = (check.findings ?? []).filter(
        f => f.sourceRef === apiRef,
      );
      if (findings.length > 0) {
        result.concerned.push({
          environment: environment.environment,
          version: candidate.candidate.version,
          risk: candidate.risk,
          findings,
        });
      }
    }
  }
  return result;
}

const useStyles = makeStyles(theme => ({
  provider: {
    '& + &': {
      marginTop: theme.spacing(2),
      paddingTop: theme.spacing(2),
      borderTop: `1px solid ${theme.palette.divider}`,
    },
  },
  header: {
    display: 'flex',
    alignItems: 'baseline',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  rollback: { marginTop: theme.spacing(1.5) },
}));

function ProviderRollbacks(props: { providerRef: string; apiRef: string }) {
  const { providerRef, apiRef } = props;
  const classes = useStyles();
  const api = useApi(rollbackGuardApiRef);
  const entityRoute = useRouteRef(entityRouteRef);
  const readiness = useAsyncRetry(
    () => api.getReadiness(providerRef),
    [api, providerRef],
  );
  const tab = `${entityRoute(entityRouteParams(providerRef))}/rollback-guard`;

  let body;
  if (readiness.loading) {
    body = <Progress aria-label={`Loading the readiness of ${providerRef}`} />;
  } else if (readiness.error) {
    body = (
      <InlineError
        title="Its rollback readiness could not be read"
        error={readiness.error}
        retry={readiness.retry}
      />
    );
  } else if (readiness.value) {
    const { concerned, compared, unknown } = apiRollbacks(
      readiness.value,
      apiRef,
    );
    body = (
      <>
        {concerned.map(rollback => (
          <Box
            key={`${rollback.environment}/${rollback.version}`}
            className={classes.rollback}
            aria-label={`Going back to ${rollback.version} in ${rollback.environment}`}
          >
            <Typography variant="body2" className={classes.header}>
              Going back to <strong>{rollback.version}</strong> in{' '}
              {rollback.environment}
              <RiskBadge risk={rollback.risk} />
            </Typography>
            <CheckFindings findings={rollback.findings} />
          </Box>
        ))}
        {concerned.length === 0 && compared > 0 && (
          <Typography variant="body2">
            No way back of this component changes what this API offers.
          </Typography>
        )}
        {compared === 0 && (
          <Typography variant="body2" color="textSecondary">
            No API compatibility result yet: the component has no earlier
            version to go back to, or the check is not installed.
          </Typography>
        )}
        {unknown.map(reason => (
          <Typography key={reason} variant="body2" color="textSecondary">
            Unknown for {reason}
          </Typography>
        ))}
      </>
    );
  }
  return (
    <Box className={classes.provider} aria-label={`Provided by ${providerRef}`}>
      <Typography variant="subtitle2" className={classes.header}>
        <EntityRefLink entityRef={providerRef} />
        <Link to={tab}>Rollback Guard</Link>
      </Typography>
      {body}
    </Box>
  );
}

/**
 * The Rollback Guard card for an API's page: for each component that
 * provides the API, what going back would take from its consumers, with a
 * link to that component's Rollback Guard tab.
 *
 * @public
 */
export function ApiRollbackGuardCard() {
  const { entity } = useEntity();
  const apiRef = stringifyEntityRef(entity);
  const providers = getEntityRelations(entity, RELATION_API_PROVIDED_BY).map(
    ref => stringifyEntityRef(ref),
  );
  return (
    <InfoCard title="Rollback Guard">
      {providers.length === 0 ? (
        <Typography variant="body2">
          No component provides this API in the catalog.
        </Typography>
      ) : (
        providers.map(providerRef => (
          <ProviderRollbacks
            key={providerRef}
            providerRef={providerRef}
            apiRef={apiRef}
          />
        ))
      )}
    </InfoCard>
  );
}
