import { execFileSync } from 'child_process';
import { Page, expect } from '@playwright/test';
import { BIN, DB, BASE } from '../playwright.config';

/** A fresh one-time sign-in URL for an account, from the portal's own command line. */
export function signInLink(email: string): string {
  const out = execFileSync(BIN, ['admin', 'sign-in-link', '--email', email, '--json'], {
    env: { ...process.env, DATABASE_URL: DB, CAREER_RELAY_BASE_URL: BASE, RUST_LOG: 'error' },
  }).toString();
  return JSON.parse(out.trim().split('\n').pop()!).url;
}

/** Signs `page` in through a fresh one-time link: opens it and presses the sign-in button. */
export async function signIn(page: Page, email: string) {
  await page.goto(signInLink(email));
  await page.getByTestId('continue-sign-in').click();
}

/** Opens the newest sign-in link mailed to `to`, as shown in the dev mailbox, and signs in. */
export async function followMailedLink(page: Page, to: string) {
  await page.goto('/dev/mailbox');
  const mail = page.locator('article.mail', { has: page.locator('.to', { hasText: to }) }).first();
  const href = await mail.locator('a[href*="/auth/"]').first().getAttribute('href');
  expect(href).toBeTruthy();
  await page.goto(href!);
  await page.getByTestId('continue-sign-in').click();
}

/** Fills the profile form with valid values and a skill that identifies this candidate (and
 * a phone of their own, where the test counts people: one phone is one person). */
export async function fillProfile(page: Page, skill: string, phone = '080-1234-0000') {
  await page.fill('#name', '試験 花子');
  await page.fill('#name_kana', 'シケン ハナコ');
  await page.fill('#phone', phone);
  await page.selectOption('#prefecture', '13');
  await page.selectOption('#job_type_1', 'sales');
  await page.fill('#skills', `${skill}, 法人営業`);
  await page.fill('#years_experience', '4');
  await page.fill('#desired_salary', '420');
  await page.fill('#summary', '営業として4年間働きました。');
  await page.getByRole('button', { name: 'プロフィールを保存' }).click();
  await expect(page).toHaveURL(/\/me\?saved=profile/);
}
