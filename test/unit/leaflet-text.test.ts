/**
 * Leaflet takes a string given to bindTooltip/bindPopup/setContent as HTML. Ward names come from an imported
 * GeoJSON file, so the map must hand it elements built with textContent (issue 13, should-fix): every such call in
 * client/ passes textLabel(...).
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : /\.ts$/.test(e.name) ? [path.join(dir, e.name)] : []));
}

describe('client: Leaflet content is text, never HTML built from data', () => {
  it('every bindTooltip / bindPopup / setContent call passes textLabel(...)', () => {
    const calls: string[] = [];
    for (const file of sources(path.resolve('client'))) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/\.(bindTooltip|bindPopup|setContent|setTooltipContent|setPopupContent)\(([^,)]*)/g)) {
        calls.push(`${path.relative(process.cwd(), file)}: ${m[1]}(${m[2]}`);
      }
    }
    expect(calls.length).to.be.greaterThan(0);
    expect(calls.filter((c) => !/\(textLabel\(/.test(c))).to.deep.equal([]);
  });
});
