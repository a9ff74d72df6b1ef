import { test, expect } from '@playwright/test';
import { signIn } from './helpers';

// Single sign-on through a real OpenID provider (oidc-provider on loopback, started by
// playwright.config.ts next to the portal).
test('staff sign in through their organisation\'s identity provider', async ({ browser }) => {
  // The platform admin binds the demo company to the provider and to its domain.
  const admin = await browser.newPage();
  await signIn(admin, 'admin@career-relay.example');
  await expect(admin).toHaveURL(/\/admin$/);
  await admin.selectOption('#sso-org', 'company');
  await admin.fill('#sso-org-id', '1');
  await admin.selectOption('#sso-provider', 'test-idp');
  await admin.fill('#sso-domains', 'sso.example');
  await admin.getByRole('button', { name: '設定を保存', exact: true }).click();
  await expect(admin).toHaveURL(/saved=sso/);
  await expect(admin.getByTestId('sso-bindings')).toContainText('株式会社さくらフーズ');
  await expect(admin.getByTestId('sso-bindings')).toContainText('sso.example');

  // Someone at the domain who was not invited is refused with an explanation.
  const stranger = await browser.newPage();
  await stranger.goto('/signin');
  await stranger.fill('#email', 'suzuki@sso.example');
  await stranger.getByRole('button', { name: 'ログインリンクを送る' }).click();
  await stranger.fill('input[name="login"]', 'suzuki@sso.example');
  await stranger.fill('input[name="password"]', 'any');
  await stranger.locator('button[type="submit"]').click();
  await expect(stranger).toHaveURL(/\/sso\/refused\?reason=sso_not_invited$/);
  await expect(stranger.getByTestId('sso-refused')).toContainText('招待されていません');
  await stranger.goto('/company');
  await expect(stranger).toHaveURL(/\/signin/);

  // The company's admin lets anyone with a verified address at the domain join.
  const hr = await browser.newPage();
  await signIn(hr, 'hr@sakura-foods.example');
  await hr.goto('/members');
  await hr.getByTestId('sign-in-policy').locator('input[name="domain_join"]').check();
  await hr.getByRole('button', { name: 'ログイン設定を保存' }).click();
  await expect(hr).toHaveURL(/saved=sso_policy/);

  // Now the same person signs in at the provider and lands on the company's page.
  const staff = await browser.newPage();
  await staff.goto('/signin');
  await staff.fill('#email', 'suzuki@sso.example');
  await staff.getByRole('button', { name: 'ログインリンクを送る' }).click();
  await expect(staff).toHaveURL(/127\.0\.0\.1:3299\/interaction\//);
  await staff.fill('input[name="login"]', 'suzuki@sso.example');
  await staff.fill('input[name="password"]', 'any');
  await staff.locator('button[type="submit"]').click();
  await expect(staff).toHaveURL(/\/company$/);
  await expect(staff.locator('#relay-url')).toHaveValue(/\/r\//);
});
