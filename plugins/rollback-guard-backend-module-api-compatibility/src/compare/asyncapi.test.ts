import fs from 'node:fs';
import path from 'node:path';
import { ApiChange, ApiDefinitionParseError, compareApiDefinitions } from '.';
import { asyncApiRuleId } from './asyncapi';

const fixture = (name: string) =>
  fs.readFileSync(
    path.join(__dirname, '__fixtures__', 'asyncapi', name),
    'utf8',
  );
const compare = (from: string, to: string) =>
  compareApiDefinitions({ type: 'asyncapi', from, to });
const summary = (changes: ApiChange[]) =>
  changes.map(c => `${c.level} ${c.id} ${c.operation ?? c.path}`);

/** An AsyncAPI 3 document with one operation on one channel. */
function v3(action: 'send' | 'receive', payload: unknown) {
  return JSON.stringify({
    asyncapi: '3.0.0',
    info: { title: 'payments-api', version: '1' },
    channels: {
      refunds: { address: 'refunds', messages: { refund: { payload } } },
    },
    operations: { refund: { action, channel: { $ref: '#/channels/refunds' } } },
  });
}

const withAmount = {
  type: 'object',
  required: ['amount'],
  properties: { amount: { type: 'number' } },
};
const withoutAmount = { type: 'object', properties: {} };

describe('AsyncAPI 2', () => {
  it('judges what the service sends (subscribe) like responses and what it receives (publish) like requests', async () => {
    const changes = await compare(
      fixture('payments-2-from.yaml'),
      fixture('payments-2-to.yaml'),
    );
    expect(summary(changes)).toEqual([
      'error asyncapi-channel-removed payouts/settled',
      'error asyncapi-sent-message-property-became-optional onPaymentCaptured',
      'error asyncapi-sent-message-header-became-optional onPaymentCaptured',
      'error asyncapi-message-removed requestRefund',
      'error asyncapi-received-message-new-required-property requestRefund',
      'warning asyncapi-sent-message-property-enum-value-added onPaymentCaptured',
    ]);
    expect(changes[1].message).toBe(
      "the payload property 'amount' of the sent message 'PaymentCaptured' of the operation 'onPaymentCaptured' ('payments/{paymentId}/captured') became optional",
    );
    // Channel parameters renamed: the same channel.
    expect(changes[1].path).toBe('payments/{paymentId}/captured');
  });

  it('reverses the verdicts when going the other way', async () => {
    const changes = await compare(
      fixture('payments-2-to.yaml'),
      fixture('payments-2-from.yaml'),
    );
    expect(summary(changes)).toEqual([
      'warning asyncapi-received-message-property-removed requestRefund',
      'info asyncapi-channel-added payouts/settled',
      'info asyncapi-sent-message-property-became-required onPaymentCaptured',
      'info asyncapi-sent-message-property-enum-value-removed onPaymentCaptured',
      'info asyncapi-sent-message-header-became-required onPaymentCaptured',
      // Producers may send it now; nobody had to.
      'info asyncapi-message-added requestRefund',
    ]);
  });
});

describe('AsyncAPI 3', () => {
  it('judges `action: send` like responses and `action: receive` like requests', async () => {
    const changes = await compare(
      fixture('payments-3-from.yaml'),
      fixture('payments-3-to.yaml'),
    );
    expect(summary(changes)).toEqual([
      'error asyncapi-channel-removed payouts/settled',
      'error asyncapi-sent-message-property-became-optional onPaymentCaptured',
      'error asyncapi-sent-message-property-became-nullable onPaymentCaptured',
      'error asyncapi-received-message-property-min-increased requestRefund',
      'warning asyncapi-sent-message-property-enum-value-added onPaymentCaptured',
    ]);
  });

  it('gives the same change opposite levels for a sent and a received message', async () => {
    const sent = await compare(
      v3('send', withAmount),
      v3('send', withoutAmount),
    );
    expect(summary(sent)).toEqual([
      'error asyncapi-sent-message-required-property-removed refund',
    ]);
    const received = await compare(
      v3('receive', withAmount),
      v3('receive', withoutAmount),
    );
    expect(summary(received)).toEqual([
      'warning asyncapi-received-message-property-removed refund',
    ]);

    const sentAdded = await compare(
      v3('send', withoutAmount),
      v3('send', withAmount),
    );
    expect(summary(sentAdded)).toEqual([
      'info asyncapi-sent-message-required-property-added refund',
    ]);
    const receivedAdded = await compare(
      v3('receive', withoutAmount),
      v3('receive', withAmount),
    );
    expect(summary(receivedAdded)).toEqual([
      'error asyncapi-received-message-new-required-property refund',
    ]);
  });

  it('reports an operation removed, and one that changed its action', async () => {
    const doc = (operations: Record<string, unknown>) =>
      JSON.stringify({
        asyncapi: '3.0.0',
        info: { title: 'x', version: '1' },
        channels: {
          refunds: {
            address: 'refunds',
            messages: { refund: { payload: withAmount } },
          },
        },
        operations,
      });
    const op = (action: string) => ({
      action,
      channel: { $ref: '#/channels/refunds' },
    });
    expect(
      summary(
        await compare(
          doc({ a: op('send'), b: op('receive') }),
          doc({ a: op('send') }),
        ),
      ),
    ).toEqual(['error asyncapi-operation-removed b']);
    expect(
      summary(await compare(doc({ a: op('send') }), doc({ a: op('receive') }))),
    ).toEqual(['error asyncapi-operation-action-changed a']);
    expect(
      summary(
        await compare(
          doc({ a: op('send') }),
          doc({ a: op('send'), b: op('receive') }),
        ),
      ),
    ).toEqual(['info asyncapi-operation-added b']);
  });

  it('compares an AsyncAPI 2 definition with an AsyncAPI 3 one', async () => {
    const changes = await compare(
      fixture('payments-2-from.yaml'),
      fixture('payments-3-from.yaml'),
    );
    expect(changes.filter(c => c.level === 'error').map(c => c.id)).toEqual([
      'asyncapi-sent-message-required-property-removed',
      'asyncapi-sent-message-required-header-removed',
      'asyncapi-message-removed',
    ]);
  });
});

describe('AsyncAPI ids', () => {
  it("derive from oasdiff's ids", () => {
    const finding = (kind: string, below: string[] = []) => ({
      kind,
      level: 'error' as const,
      path: below,
      detail: '',
    });
    expect(
      asyncApiRuleId(
        'response',
        finding('property-removed-required', ['a']),
        'payload',
      ),
    ).toBe('asyncapi-sent-message-required-property-removed');
    expect(
      asyncApiRuleId(
        'request',
        finding('property-added-required', ['a']),
        'payload',
      ),
    ).toBe('asyncapi-received-message-new-required-property');
    expect(asyncApiRuleId('response', finding('type-changed'), 'payload')).toBe(
      'asyncapi-sent-message-payload-type-changed',
    );
    expect(
      asyncApiRuleId(
        'request',
        finding('enum-value-removed', ['a']),
        'headers',
      ),
    ).toBe('asyncapi-received-message-header-enum-value-removed');
  });
});

describe('AsyncAPI parse errors', () => {
  it('names the side and position', async () => {
    const error = await compare(
      v3('send', withAmount),
      'asyncapi: 3.0.0\nchannels:\n  - a\n  b: c\n',
    ).catch(e => e);
    expect(error).toBeInstanceOf(ApiDefinitionParseError);
    expect(error.side).toBe('to');
    expect(error.line).toBe(4);
  });

  it('refuses a document that is not AsyncAPI', async () => {
    await expect(
      compare('{"openapi": "3.0.0"}', v3('send', withAmount)),
    ).rejects.toThrow(/not an AsyncAPI definition/);
  });
});
