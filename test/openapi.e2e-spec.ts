import { ENDPOINT_ACTIONS } from '../apps/api/src/refunds/refund-transitions';
import { startTestApp, TestApp } from './support/app';

describe('the OpenAPI document', () => {
  let t: TestApp;
  let doc: any;
  beforeAll(async () => {
    t = await startTestApp();
    doc = (await t.http.get('/docs-json')).body;
  });
  afterAll(() => t.close());

  it('is served with the UI', async () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect((await t.http.get('/docs')).status).toBe(200);
  });

  it('has one endpoint per action of the transition table, described from the table', () => {
    for (const action of ENDPOINT_ACTIONS) {
      const operation = doc.paths[`/v1/refunds/{id}/${action}`]?.post;
      expect([action, typeof operation?.description]).toEqual([action, 'string']);
      expect(operation.description).toMatch(/Roles: /);
    }
  });

  it('documents problem+json errors on every operation, 401 wherever a token is needed', () => {
    for (const [path, operations] of Object.entries<any>(doc.paths)) {
      for (const [method, operation] of Object.entries<any>(operations)) {
        const errors = Object.keys(operation.responses).filter((status) => Number(status) >= 400);
        expect([path, method, errors.length > 0]).toEqual([path, method, true]);
        for (const status of errors) {
          expect(operation.responses[status].content['application/problem+json']).toBeDefined();
        }
        if (operation.security?.length) expect(operation.responses['401']).toBeDefined();
      }
    }
  });
});
