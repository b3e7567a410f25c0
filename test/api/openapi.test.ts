/**
 * GET /api/openapi.json: a valid OpenAPI 3.1 document (checked by @seriousme/openapi-schema-validator, and each
 * embedded schema compiled by Ajv's 2020-12 dialect) that lists every route Express serves, with the joi constraints.
 */
import { expect } from 'chai';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { startTestServer, type TestServer } from '../support/server.ts';
import { apiRoutes } from '../../server/http/routes.ts';
import { openApiPath } from '../../server/http/openapi/document.ts';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every `METHOD /api/path` in the API router, walking nested routers (Express 5 keeps them in `stack`). */
function servedRoutes(stack: Layer[]): string[] {
  const out: string[] = [];
  for (const layer of stack) {
    if (layer.route) for (const m of Object.keys(layer.route.methods)) if (m !== '_all') out.push(`${m.toUpperCase()} /api${openApiPath(layer.route.path)}`);
    if (layer.handle?.stack) out.push(...servedRoutes(layer.handle.stack));
  }
  return out;
}

describe('OpenAPI document', function () {
  this.timeout(60_000);
  let t: TestServer;
  let doc: any;

  before(async () => {
    t = await startTestServer();
    const res = await t.anon().get('/api/openapi.json');
    expect(res.status).to.equal(200);
    doc = res.body;
  });
  after(async () => t?.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? [], String(JSON.stringify(result.errors)).slice(0, 2000)).to.deep.equal([]);
    expect(result.valid).to.equal(true);
    expect(validator.version).to.equal('3.1');
    // The validator does refuse a broken document: a parameter in a place OpenAPI has no such thing.
    const broken = structuredClone(doc);
    broken.paths['/api/users'].get.parameters[0].in = 'body';
    expect((await new Validator().validate(broken)).valid).to.equal(false);
  });

  it('every embedded schema compiles as JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ strict: false, logger: false });
    ajv.addSchema({ $id: 'components', components: doc.components }, undefined, undefined, false);
    let n = 0;
    for (const [p, ops] of Object.entries<any>(doc.paths)) {
      for (const [m, op] of Object.entries<any>(ops)) {
        for (const param of op.parameters ?? []) expect(() => ajv.compile(param.schema), `${m} ${p} ${param.name}`).not.to.throw(), n++;
        const body = op.requestBody?.content?.['application/json']?.schema;
        if (body) expect(() => ajv.compile(body), `${m} ${p} body`).not.to.throw(), n++;
      }
    }
    expect(n).to.be.greaterThan(40);
  });

  it('lists every route Express serves, and nothing else', () => {
    const served = servedRoutes((apiRoutes(t.registry.deps) as unknown as { stack: Layer[] }).stack).sort();
    const documented = Object.entries<any>(doc.paths)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    expect(served.length).to.be.greaterThan(35);
    expect(served.filter((r) => !documented.includes(r)), 'served but undocumented').to.deep.equal([]);
    expect(documented.filter((r) => !served.includes(r)), 'documented but not served').to.deep.equal([]);
  });

  it('carries the joi constraints, both auth schemes and the error model', () => {
    const put = doc.paths['/api/households/{id}/assessments/{round}'].put;
    const body = put.requestBody.content['application/json'].schema;
    expect(body.required).to.include('income');
    expect(body.additionalProperties).to.equal(false);
    expect(body.properties.income.properties.per.enum).to.deep.equal(['month', 'year']);
    const list = doc.paths['/api/households'].get.parameters.find((p: any) => p.name === 'pageSize');
    expect(list.schema.maximum).to.equal(200);
    // The rates report's start round (issue 15): optional, an earlier round than `round`.
    const from = doc.paths['/api/reports/rates'].get.parameters.find((p: any) => p.name === 'from');
    expect(from).to.deep.include({ in: 'query', required: false });
    expect(from.schema).to.include({ type: 'integer', minimum: 2015, maximum: 2019 });
    expect(from.schema.description).to.match(/previous round/).and.match(/round/);
    expect(Object.keys(doc.components.securitySchemes).sort()).to.deep.equal(['bearerAuth', 'cookieAuth']);
    expect(doc.paths['/api/users'].post.security).to.deep.equal([{ bearerAuth: [] }, { cookieAuth: [] }]);
    expect(doc.paths['/api/settings'].get.security).to.deep.equal([]);
    expect(doc.components.schemas.Error.properties.error.required).to.deep.equal(['code', 'message', 'details']);
    expect(doc.paths['/api/households/{id}'].patch.responses['412'].$ref).to.equal('#/components/responses/PreconditionFailed');
  });
});
