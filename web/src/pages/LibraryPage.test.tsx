import { render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter, useLocation } from 'react-router';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LibraryPage } from './LibraryPage';

function Search() {
  return <output data-testid="search">{useLocation().search}</output>;
}

const reactGlobal = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean };

describe('LibraryPage', () => {
  // Clicks as a browser does, outside act(), so a transition stays pending
  // as it does in a browser.
  let actEnvironment: boolean | undefined;
  beforeEach(() => {
    actEnvironment = reactGlobal.IS_REACT_ACT_ENVIRONMENT;
  });
  afterEach(() => {
    reactGlobal.IS_REACT_ACT_ENVIRONMENT = actEnvironment;
  });

  // The router applies a new URL in a transition; the scope radio must not
  // wait for it (a controlled radio would undo the click until then).
  it('checks the picked scope at once, then puts it in the URL', async () => {
    render(
      <MemoryRouter initialEntries={['/']}>
        <LibraryPage />
        <Search />
      </MemoryRouter>,
    );
    const federation = screen.getByRole<HTMLInputElement>('radio', { name: 'Federation' });
    const local = screen.getByRole<HTMLInputElement>('radio', { name: 'This fog' });
    expect(local.checked).toBe(true);
    reactGlobal.IS_REACT_ACT_ENVIRONMENT = false;
    federation.click();
    expect(federation.checked).toBe(true);
    expect(local.checked).toBe(false);
    await waitFor(() => expect(screen.getByTestId('search').textContent).toBe('?scope=federation'));
    local.click();
    expect(local.checked).toBe(true);
    await waitFor(() => expect(screen.getByTestId('search').textContent).toBe(''));
  });
});
