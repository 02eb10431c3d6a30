import {
  Content,
  ContentHeader,
  Header,
  InfoCard,
  Page,
} from '@backstage/core-components';
import { Typography } from '@material-ui/core';
import { usePendingApprovals } from '../../hooks/useActions';
import { FetchStates } from '../RollbackGuardStates';
import { RequestList } from './ActionsCard';

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
            return (
              <RequestList
                label="Requests waiting for approval"
                items={items.map(({ action, mayApprove, note }) => ({
                  action,
                  cannotDecide: mayApprove ? undefined : note,
                }))}
                onChanged={refresh}
                showEntity
              />
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
