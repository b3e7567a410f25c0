import { expect } from 'chai';
import { householdsFileName } from '../../server/domain/reports/export-service.ts';

describe('export file names (issue 15)', () => {
  it('names household exports by their content', () => {
    expect(householdsFileName({ category: 'poor', round: 2017, standard: 'city' })).to.equal('ho-ngheo-2017.xlsx');
    expect(householdsFileName({ category: 'near_poor', round: 2017, standard: 'city' })).to.equal('ho-can-ngheo-2017.xlsx');
    expect(householdsFileName({ category: 'poor', round: 2020, standard: 'national', ward: '26764' })).to.equal('ho-ngheo-26764-2020-qg.xlsx');
    expect(householdsFileName({ round: 2019 })).to.equal('ho-gia-dinh-2019.xlsx');
  });
});
