import { describe, expect, it } from 'vitest';
import { fromMinor, isCurrency, lineTotalMinor, MoneyError, toMinor } from './money.ts';

describe('money', () => {
  it('parses decimals exactly into minor units', () => {
    expect(toMinor('2.55', 'GBP')).toBe(255);
    expect(toMinor('0.1', 'USD')).toBe(10);
    expect(toMinor(0.1 + 0.2, 'USD')).toBe(30);
    expect(toMinor('1234', 'JPY')).toBe(1234);
    expect(toMinor('1.234', 'KWD')).toBe(1234);
    expect(toMinor('-4.95', 'EUR')).toBe(-495);
    expect(toMinor('1,234.50', 'USD')).toBe(123450);
  });

  it('rounds below the minor unit half to even', () => {
    expect(toMinor('0.001', 'GBP')).toBe(0);
    expect(toMinor('0.005', 'GBP')).toBe(0);
    expect(toMinor('0.015', 'GBP')).toBe(2);
    expect(toMinor('0.025', 'GBP')).toBe(2);
    expect(toMinor('-0.015', 'GBP')).toBe(-2);
  });

  it('multiplies quantity by unit price before rounding', () => {
    expect(lineTotalMinor(6, '2.55', 'GBP')).toBe(1530);
    expect(lineTotalMinor(1000, '0.001', 'GBP')).toBe(100);
    expect(lineTotalMinor(-12, '1.25', 'GBP')).toBe(-1500);
    expect(lineTotalMinor(3, '0.333', 'USD')).toBe(100);
  });

  it('formats and validates', () => {
    expect(fromMinor(255, 'GBP')).toBe('2.55');
    expect(fromMinor(-5, 'USD')).toBe('-0.05');
    expect(fromMinor(1234, 'JPY')).toBe('1234');
    expect(fromMinor(1234, 'KWD')).toBe('1.234');
    expect(isCurrency('GBP')).toBe(true);
    expect(isCurrency('XYZ')).toBe(false);
    expect(() => toMinor('12,3x', 'USD')).toThrow(MoneyError);
    expect(() => toMinor('1e400', 'USD')).toThrow(MoneyError);
  });
});
