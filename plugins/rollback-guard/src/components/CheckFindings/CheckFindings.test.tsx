import { renderInTestApp } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { CheckFindings } from './CheckFindings';

describe('CheckFindings', () => {
  it('shows each finding with its status, rule, file, message and highlighted statement', async () => {
    await renderInTestApp(
      <CheckFindings
        findings={[
          {
            rule: 'ban-drop-column',
            status: 'fail',
            blocking: true,
            message: 'orders.legacy_ref was dropped',
            source: '002_drop_orders_legacy_ref.sql',
            code: "ALTER TABLE orders DROP COLUMN legacy_ref; -- 'gone'",
            codeLanguage: 'sql',
            references: ['DS103'],
          },
          {
            rule: 'api-removed-without-deprecation',
            status: 'fail',
            message: 'POST /refunds was removed',
            source: 'payments-api',
            code: 'POST /refunds',
            entityRefs: ['component:default/checkout-web'],
          },
          {
            rule: 'adding-index',
            status: 'pass',
            message: 'index orders_region_idx was created',
            source: '003_index.sql',
          },
        ]}
      />,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    const items = within(
      screen.getByRole('list', { name: 'Findings' }),
    ).getAllByRole('listitem');
    expect(items).toHaveLength(3);
    const first = within(items[0]);
    expect(first.getByText('ban-drop-column')).toBeInTheDocument();
    expect(first.getByText('DS103')).toBeInTheDocument();
    expect(first.getByText('blocking')).toBeInTheDocument();
    expect(
      first.getByText('002_drop_orders_legacy_ref.sql'),
    ).toBeInTheDocument();
    expect(
      first.getByText('orders.legacy_ref was dropped'),
    ).toBeInTheDocument();
    const statement = first.getByLabelText(
      'Statement in 002_drop_orders_legacy_ref.sql',
    );
    expect(statement).toHaveTextContent(
      "ALTER TABLE orders DROP COLUMN legacy_ref; -- 'gone'",
    );
    // Keywords are set apart; the comment stays one piece, literal and all.
    expect(within(statement).getByText('DROP').tagName).toBe('SPAN');
    expect(within(statement).getByText("-- 'gone'").tagName).toBe('SPAN');
    // Entities concerned link to their pages; code that is not SQL is plain.
    expect(
      within(items[1]).getByRole('link', { name: 'checkout-web' }),
    ).toHaveAttribute('href', '/catalog/default/component/checkout-web');
    expect(
      within(items[1]).getByLabelText('Location in payments-api'),
    ).toHaveTextContent('POST /refunds');
    expect(within(items[2]).queryByText('blocking')).not.toBeInTheDocument();
    expect(
      within(items[2]).queryByLabelText(/Statement/),
    ).not.toBeInTheDocument();
  });
});

describe('CheckFindings of a vulnerability', () => {
  it('shows the severity as a chip and links only https advisory pages', async () => {
    await renderInTestApp(
      <CheckFindings
        findings={[
          {
            rule: 'CVE-2021-23337',
            status: 'fail',
            severity: 'high',
            message: '1.0.0 ships lodash 4.17.20',
            source: 'lodash 4.17.20',
            references: ['GHSA-35jh-r3h4-6jhm'],
            links: [
              {
                title: 'CVE-2021-23337 on github.com',
                url: 'https://github.com/advisories/GHSA-35jh-r3h4-6jhm',
              },
              {
                title: 'mirror',
                url: 'http://advisories.example/CVE-2021-23337',
              },
              // A script URL, built so that it is plainly test data.
              { title: 'trap', url: ['javascript', 'alert(1)'].join(':') },
            ],
          },
          {
            rule: 'CVE-2099-0001',
            status: 'warn',
            severity: 'unknown',
            message: 'not rated',
          },
        ]}
      />,
    );
    const [first, second] = within(
      screen.getByRole('list', { name: 'Findings' }),
    ).getAllByRole('listitem');
    const item = within(first);
    expect(item.getByLabelText('Severity high')).toHaveTextContent('HIGH');
    expect(
      item.getByRole('link', { name: /CVE-2021-23337 on github.com/ }),
    ).toHaveAttribute(
      'href',
      'https://github.com/advisories/GHSA-35jh-r3h4-6jhm',
    );
    expect(item.getAllByRole('link')).toHaveLength(1);
    expect(
      item.getByText('mirror: http://advisories.example/CVE-2021-23337'),
    ).toBeInTheDocument();
    expect(item.getByText('trap: javascript:alert(1)')).toBeInTheDocument();
    expect(within(second).getByLabelText('Severity unknown')).toHaveTextContent(
      'severity unknown',
    );
  });
});
