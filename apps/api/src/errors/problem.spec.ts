import { LANGUAGES } from '../i18n/i18n';
import { AppError, ERROR_CODES, ErrorCode } from './app-error';
import { toProblem } from './problem';

describe('toProblem in every language', () => {
  const codes = Object.keys(ERROR_CODES) as ErrorCode[];

  it.each(LANGUAGES)('%s has a title and a detail of its own for every error code', (language) => {
    for (const code of codes) {
      const problem = toProblem(new AppError(code, 'As the code wrote it.'), 'r-1', language);
      expect(problem).toMatchObject({ code, status: ERROR_CODES[code], requestId: 'r-1' });
      expect({ code, generic: problem.title === 'Error' }).toEqual({ code, generic: false });
      if (language !== 'en') {
        expect({ code, detail: problem.detail }).not.toEqual({
          code,
          detail: 'As the code wrote it.',
        });
      }
    }
  });

  it('keeps the field, and the English message of a rule the catalog lacks', () => {
    const error = new AppError('VALIDATION_FAILED', 'The request is invalid.', [
      { field: 'amount', message: 'amount must be an integer number', rule: 'isInt' },
      { field: 'x', message: 'must be odd', rule: 'isOdd' },
    ]);
    expect(toProblem(error, 'r-1', 'zh').errors).toEqual([
      { field: 'amount', message: '必须是整数' },
      { field: 'x', message: 'must be odd' },
    ]);
    expect(toProblem(error, 'r-1', 'en').errors).toEqual([
      { field: 'amount', message: 'amount must be an integer number' },
      { field: 'x', message: 'must be odd' },
    ]);
  });
});
