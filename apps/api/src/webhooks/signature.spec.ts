import { newSigningSecret, signatureHeader, verifySignature } from './signature';

describe('webhook signatures', () => {
  const secret = newSigningSecret();
  const body = '{"id":"e1","type":"refund.approve"}';
  const at = new Date('2026-11-26T10:00:00Z');
  const header = signatureHeader(secret, body, at);
  const now = at.getTime();

  it('sign "<t>.<body>" with HMAC-SHA256', () => {
    expect(header).toMatch(/^t=1795687200,v1=[0-9a-f]{64}$/);
    expect(verifySignature(header, body, secret, 300, now)).toBe(true);
  });

  it('refuse another body, secret, timestamp or an old delivery', () => {
    expect(verifySignature(header, `${body} `, secret, 300, now)).toBe(false);
    expect(verifySignature(header, body, newSigningSecret(), 300, now)).toBe(false);
    expect(
      verifySignature(header.replace('t=1795687200', 't=1795687201'), body, secret, 300, now),
    ).toBe(false);
    expect(verifySignature(header, body, secret, 300, now + 301_000)).toBe(false);
    expect(verifySignature('t=x,v1=zz', body, secret, 300, now)).toBe(false);
    expect(verifySignature('', body, secret, 300, now)).toBe(false);
  });

  it('carry one v1= per secret while two sign, each verifying with its own', () => {
    const old = newSigningSecret();
    const both = signatureHeader([secret, old], body, at);
    expect(both).toMatch(/^t=1795687200,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(both.startsWith(header)).toBe(true);
    expect(verifySignature(both, body, secret, 300, now)).toBe(true);
    expect(verifySignature(both, body, old, 300, now)).toBe(true);
    expect(verifySignature(both, body, newSigningSecret(), 300, now)).toBe(false);
  });
});
