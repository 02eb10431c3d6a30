import {
  Content,
  ContentHeader,
  Header,
  InfoCard,
  Page,
} from '@backstage/core-components';
import { Divider, List, Typography } from '@material-ui/core';
import { Fragment } from 'react';
import { usePendingApprovals } from '../../hooks/useActions';
import { FetchStates } from '../RollbackGuardStates';
import { RequestItem } from './ActionsCard';

/**
 * The approvals view: every request waiting for a decision on the entities
 * the user may see, newest first; Approve and Reject where the user may
 * decide, and why not where they may not. Updates live through signals.
 */
export function ApprovalsContent() {
  const { pending, refresh } = usePendingApprovals();
  return (
    <Content>
      <ContentHeader title="Waiting for approval">
        <Typography variant="body2" color="textSecondary">
          Nobody approves their own request; high-risk roll-backs need two
          people.
        </Typography>
      </ContentHeader>
      <InfoCard>
        <FetchStates
          {...pending}
          loadingLabel="Loading the requests waiting for approval"
          errorTitle="Rollback Guard could not load the requests waiting for approval"
        >
          {items => {
            if (items.length === 0) {
              return (
                <Typography variant="body2" color="textSecondary">
                  Nothing waits for approval.
                </Typography>
              );
            }
            const now = Date.now();
            return (
              <List aria-label="Requests waiting for approval" disablePadding>
                {items.map(({ action, mayApprove, note }, index) => (
                  <Fragment key={action.id}>
                    {index > 0 && <Divider component="li" />}
                    <RequestItem
                      action={action}
                      now={now}
                      onChanged={refresh}
                      showEntity
                      cannotDecide={mayApprove ? undefined : note}
                    />
                  </Fragment>
                ))}
              </List>
            );
          }}
        </FetchStates>
      </InfoCard>
    </Content>
  );
}

/**
 * The approvals view as a page of its own, with a header, for the legacy
 * frontend system.
 */
export function ApprovalsPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Rollback approvals"
        subtitle="Supervised actions waiting for a decision"
      />
      <ApprovalsContent />
    </Page>
  );
}
