import { assertTestDatabaseName } from './database';

describe('the test set-up', () => {
  it.each(['refund_desk', 'postgres', 'production', 'refunds'])('refuses to touch %s', (name) => {
    expect(() => assertTestDatabaseName(name)).toThrow(/does not mark it as a test database/);
  });

  it.each(['refund_desk_test_0a1b', 'test', 'refund_desk_test_template_42'])(
    'accepts %s',
    (name) => {
      expect(() => assertTestDatabaseName(name)).not.toThrow();
    },
  );
});
