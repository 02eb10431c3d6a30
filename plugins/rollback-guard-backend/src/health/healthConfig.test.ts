import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { readHealthSettings } from './healthConfig';

const read = (health: object, logger = mockServices.logger.mock()) =>
  readHealthSettings(new ConfigReader({ rollbackGuard: { health } }), logger);

describe('readHealthSettings', () => {
  it('reads the window and the step as Backstage durations, 10 min and 30 s by default', () => {
    expect(read({})).toMatchObject({ windowMinutes: 10, stepSeconds: 30 });
    expect(read({ window: { minutes: 30 }, step: 'PT1M' })).toMatchObject({
      windowMinutes: 30,
      stepSeconds: 60,
    });
  });

  it('still reads the old keys, with a deprecation warning', () => {
    const logger = mockServices.logger.mock();
    expect(read({ windowMinutes: 15 }, logger).windowMinutes).toBe(15);
    expect(logger.warn).toHaveBeenCalledWith(
      'rollbackGuard.health.windowMinutes is deprecated; write rollbackGuard.health.window: { minutes: 15 }',
    );
  });

  it('refuses a window that is no duration', () => {
    expect(() => read({ window: { minutes: 0 } })).toThrow(
      'rollbackGuard.health.window must be a positive duration',
    );
  });
});
