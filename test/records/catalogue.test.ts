import { describe, expect, it } from 'vitest';
import { normaliseDepartment, normaliseMetal } from '../../shared/domain/records/catalogue';

describe('department and metal normalisation', () => {
  it('brings the spellings of one department to one key', () => {
    for (const spelling of ['Engagement Rings', 'engagement-ring', 'ENGAGEMENT_RINGS', ' engagement ring ']) {
      expect(normaliseDepartment(spelling)).toBe('engagement_rings');
    }
    expect(normaliseDepartment('Watch')).toBe('watches');
    expect(normaliseDepartment('Estate & Vintage')).toBe('estate_vintage');
  });

  it('brings metals to one key, and a missing metal to none', () => {
    expect(normaliseMetal('Yellow Gold')).toBe('yellow_gold');
    expect(normaliseMetal('Sterling Silver')).toBe('silver');
    expect(normaliseMetal(undefined)).toBe('none');
    expect(normaliseMetal('N/A')).toBe('none');
  });

  it('never produces the department|metal separator', () => {
    expect(normaliseDepartment('rings|platinum')).toBe('rings_platinum');
  });
});
