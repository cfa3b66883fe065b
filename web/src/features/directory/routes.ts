// SPDX-License-Identifier: Apache-2.0
// The facility directory: search, an organisation's page with its status form, and the bed board.
import { registerNav, registerRoute } from '../../registry';
import { renderBoard } from './views/board';
import { renderDirectory } from './views/directory';
import { renderDirectoryOrg } from './views/directoryOrg';
import './directory.css';

const always = (): boolean => true;

registerRoute({ path: 'directory', view: renderDirectory });
registerRoute({ path: 'directory/orgs/:id/*', view: (main, route) => renderDirectoryOrg(main, route.path[2] ?? '') });
registerRoute({ path: 'board/*', view: renderBoard });
registerNav({ hash: '#/directory', label: 'nav.directory', testid: 'nav-directory', order: 40, show: always });
registerNav({ hash: '#/board', label: 'nav.board', testid: 'nav-board', order: 50, show: always });
