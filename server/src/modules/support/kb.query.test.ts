import { describe, expect, it } from 'vitest';
import { pageText } from './helpcentre.routes.ts';
import { queryText, wordsOf } from './kb.repo.ts';

describe('search words', () => {
  it('keeps letters and digits only, lower-cased, at most 12 words', () => {
    expect(wordsOf("Retour d'article: 30 jours?")).toEqual(['retour', 'd', 'article', '30', 'jours']);
    expect(wordsOf("'&|!:*() <script>")).toEqual(['script']);
    expect(wordsOf('a b c d e f g h i j k l m n')).toHaveLength(12);
    expect(wordsOf('Größe Ärmel')).toEqual(['größe', 'ärmel']);
  });

  it('makes an AND query with the last word as a prefix (three letters or more)', () => {
    expect(queryText(['return', 'poli'])).toBe("'return' & 'poli':*");
    expect(queryText(['uk'])).toBe("'uk'");
  });
});

describe('pageText', () => {
  it('uses the question twice, the title and the words of the address path', () => {
    expect(pageText('Do you ship abroad?', 'https://shop.example/pages/shipping-and-delivery?x=1', 'Delivery')).toBe('Do you ship abroad?\nDo you ship abroad?\nDelivery\n pages shipping and delivery');
    expect(pageText(undefined, 'not a url at all %%%', undefined)).toBe('');
  });
});
