import fs from 'node:fs';
import path from 'node:path';
import { ApiDefinitionParseError, compareApiDefinitions } from '.';

const fixture = (name: string) =>
  fs.readFileSync(
    path.join(__dirname, '__fixtures__', 'protobuf', name),
    'utf8',
  );
const compare = (from: string, to: string) =>
  compareApiDefinitions({ type: 'grpc', from, to });
const ids = async (from: string, to: string) =>
  (await compare(from, to)).map(c => `${c.level} ${c.id} ${c.path ?? ''}`);

const proto3 = (body: string, header = 'package payments.v1;') =>
  `syntax = "proto3";\n${header}\n${body}`;

describe('protobuf: the payments fixture', () => {
  it("reports buf's PACKAGE rules", async () => {
    expect(
      await ids(fixture('payments-from.proto'), fixture('payments-to.proto')),
    ).toEqual([
      'error FIELD_SAME_TYPE payments.v1.CreateRefundRequest.amount',
      'error FIELD_SAME_CARDINALITY payments.v1.CreateRefundRequest.card_id',
      'error FIELD_SAME_ONEOF payments.v1.CreateRefundRequest.card_id',
      'error FIELD_SAME_CARDINALITY payments.v1.CreateRefundRequest.tags',
      'error FIELD_SAME_TYPE payments.v1.CreateRefundRequest.metadata',
      'error FIELD_SAME_CARDINALITY payments.v1.CreateRefundRequest.note',
      'error RESERVED_MESSAGE_NO_DELETE payments.v1.CreateRefundRequest',
      'error FIELD_SAME_NAME payments.v1.Refund.currency_code',
      'error PACKAGE_MESSAGE_NO_DELETE payments.v1.Audit',
      'error ENUM_VALUE_SAME_NAME payments.v1.Refund.Status',
      'error ENUM_VALUE_NO_DELETE payments.v1.Refund.Status',
      'error RPC_NO_DELETE payments.v1.RefundService.CreateRefund',
      'error RPC_SAME_SERVER_STREAMING payments.v1.RefundService.WatchRefunds',
      'error PACKAGE_SERVICE_NO_DELETE payments.v1.PayoutService',
      'info FIELD_ADDED payments.v1.GetRefundRequest.tenant',
      'info ENUM_VALUE_ADDED payments.v1.Reason.REASON_OTHER',
    ]);
    const changes = await compare(
      fixture('payments-from.proto'),
      fixture('payments-to.proto'),
    );
    expect(changes.find(c => c.id === 'RPC_NO_DELETE')).toEqual({
      id: 'RPC_NO_DELETE',
      level: 'error',
      message:
        'Previously present RPC "CreateRefund" on service "payments.v1.RefundService" was deleted.',
      path: 'payments.v1.RefundService.CreateRefund',
      operation: '/payments.v1.RefundService/CreateRefund',
    });
  });

  it('goes the other way: additions are info', async () => {
    const changes = await compare(
      fixture('payments-to.proto'),
      fixture('payments-from.proto'),
    );
    expect(changes.filter(c => c.level === 'info').map(c => c.id)).toEqual(
      expect.arrayContaining([
        'RPC_ADDED',
        'MESSAGE_ADDED',
        'SERVICE_ADDED',
        'ENUM_VALUE_ADDED',
      ]),
    );
    expect(changes.filter(c => c.level === 'error').map(c => c.id)).toEqual(
      expect.arrayContaining([
        'FIELD_NO_DELETE',
        'FIELD_SAME_TYPE',
        'RPC_SAME_SERVER_STREAMING',
      ]),
    );
  });

  it('finds nothing between a file and itself', async () => {
    expect(
      await compare(
        fixture('payments-from.proto'),
        fixture('payments-from.proto'),
      ),
    ).toEqual([]);
  });
});

describe('protobuf rules one by one', () => {
  const cases: Array<[string, string, string]> = [
    [
      'FIELD_NO_DELETE',
      'message M { string a = 1; string b = 2; }',
      'message M { string a = 1; }',
    ],
    [
      'FIELD_NO_DELETE',
      'message M { string a = 1; }',
      'message M { string a = 2; }',
    ],
    [
      'FIELD_SAME_NAME',
      'message M { string a = 1; }',
      'message M { string b = 1; }',
    ],
    [
      'FIELD_SAME_JSON_NAME',
      'message M { string a = 1; }',
      'message M { string a = 1 [json_name = "x"]; }',
    ],
    [
      'FIELD_SAME_TYPE',
      'message M { string a = 1; }',
      'message M { bytes a = 1; }',
    ],
    [
      'FIELD_SAME_TYPE',
      'message M { A a = 1; } message A {} message B {}',
      'message M { B a = 1; } message A {} message B {}',
    ],
    [
      'FIELD_SAME_TYPE',
      'message M { int32 a = 1; }',
      'message M { sint32 a = 1; }',
    ],
    [
      'FIELD_SAME_CARDINALITY',
      'message M { string a = 1; }',
      'message M { repeated string a = 1; }',
    ],
    [
      'FIELD_SAME_CARDINALITY',
      'message M { optional string a = 1; }',
      'message M { string a = 1; }',
    ],
    [
      'FIELD_SAME_CARDINALITY',
      'message M { map<string, string> a = 1; }',
      'message M { repeated string a = 1; }',
    ],
    [
      'FIELD_SAME_ONEOF',
      'message M { oneof o { string a = 1; } }',
      'message M { oneof p { string a = 1; } }',
    ],
    [
      'ONEOF_NO_DELETE',
      'message M { oneof o { string a = 1; } string b = 2; }',
      'message M { string a = 1; string b = 2; }',
    ],
    [
      'ENUM_VALUE_NO_DELETE',
      'enum E { E_0 = 0; E_1 = 1; }',
      'enum E { E_0 = 0; }',
    ],
    [
      'ENUM_VALUE_SAME_NAME',
      'enum E { E_0 = 0; E_1 = 1; }',
      'enum E { E_0 = 0; E_ONE = 1; }',
    ],
    [
      'RESERVED_ENUM_NO_DELETE',
      'enum E { E_0 = 0; reserved 5; }',
      'enum E { E_0 = 0; }',
    ],
    [
      'PACKAGE_ENUM_NO_DELETE',
      'enum E { E_0 = 0; } message M {}',
      'message M {}',
    ],
    [
      'PACKAGE_MESSAGE_NO_DELETE',
      'message M { message Inner {} }',
      'message M {}',
    ],
    [
      'PACKAGE_SERVICE_NO_DELETE',
      'service S { rpc A(M) returns (M); } message M {}',
      'message M {}',
    ],
    [
      'RPC_NO_DELETE',
      'service S { rpc A(M) returns (M); rpc B(M) returns (M); } message M {}',
      'service S { rpc A(M) returns (M); } message M {}',
    ],
    [
      'RPC_SAME_REQUEST_TYPE',
      'service S { rpc A(M) returns (M); } message M {} message N {}',
      'service S { rpc A(N) returns (M); } message M {} message N {}',
    ],
    [
      'RPC_SAME_RESPONSE_TYPE',
      'service S { rpc A(M) returns (M); } message M {} message N {}',
      'service S { rpc A(M) returns (N); } message M {} message N {}',
    ],
    [
      'RPC_SAME_CLIENT_STREAMING',
      'service S { rpc A(M) returns (M); } message M {}',
      'service S { rpc A(stream M) returns (M); } message M {}',
    ],
    [
      'RPC_SAME_SERVER_STREAMING',
      'service S { rpc A(M) returns (stream M); } message M {}',
      'service S { rpc A(M) returns (M); } message M {}',
    ],
    [
      'RPC_SAME_IDEMPOTENCY_LEVEL',
      'service S { rpc A(M) returns (M) { option idempotency_level = NO_SIDE_EFFECTS; } } message M {}',
      'service S { rpc A(M) returns (M); } message M {}',
    ],
    [
      'FIELD_SAME_JSTYPE',
      'message M { int64 a = 1 [jstype = JS_STRING]; }',
      'message M { int64 a = 1; }',
    ],
  ];

  it.each(cases)('%s', async (id, from, to) => {
    const changes = await compare(proto3(from), proto3(to));
    expect(changes).toContainEqual(
      expect.objectContaining({ id, level: 'error' }),
    );
    // The candidate going the other way never reports the same deletion.
    expect(changes.every(c => c.level === 'error' || c.level === 'info')).toBe(
      true,
    );
  });

  it('reports a renamed package, not the types in it', async () => {
    expect(
      await ids(
        proto3('message M {}'),
        proto3('message M {}', 'package payments.v2;'),
      ),
    ).toEqual([
      'error PACKAGE_NO_DELETE payments.v1',
      'error FILE_SAME_PACKAGE payments.v1',
      'info MESSAGE_ADDED payments.v2.M',
    ]);
  });

  it('compares file options and syntax', async () => {
    const from = proto3(
      'message M {}',
      'package p;\noption java_package = "com.example.p";',
    );
    const to = 'syntax = "proto2";\npackage p;\nmessage M {}';
    expect(await ids(from, to)).toEqual([
      'error FILE_SAME_SYNTAX ',
      'error FILE_SAME_JAVA_PACKAGE ',
    ]);
  });

  it('reads proto2 required fields and defaults', async () => {
    const proto2 = (body: string) => `syntax = "proto2";\npackage p;\n${body}`;
    expect(
      await ids(
        proto2(
          'message M { required string a = 1; optional int32 b = 2 [default = 5]; }',
        ),
        proto2(
          'message M { optional string a = 1; optional int32 b = 2 [default = 6]; }',
        ),
      ),
    ).toEqual([
      'error FIELD_SAME_CARDINALITY p.M.a',
      'error FIELD_SAME_DEFAULT p.M.b',
      'error MESSAGE_SAME_REQUIRED_FIELDS p.M',
    ]);
  });

  it('resolves type names relative to their scope', async () => {
    const from = proto3('message M { message Money {} Money a = 1; }');
    const to = proto3(
      'message M { message Money {} .payments.v1.M.Money a = 1; }',
    );
    expect(await compare(from, to)).toEqual([]);
  });

  it('reports syntax errors with the side and the line', async () => {
    const error = await compare(
      proto3('message M {}'),
      'syntax = "proto3";\nmessage M {\n  string a = ;\n}',
    ).catch(e => e);
    expect(error).toBeInstanceOf(ApiDefinitionParseError);
    expect(error.side).toBe('to');
    expect(error.line).toBe(3);
    expect(error.message).toBe(
      "The 'to' API definition could not be parsed at line 3: illegal id ';'",
    );
  });
});
