import adapter from '@sveltejs/adapter-static';

/** @type {import('@sveltejs/kit').Config} */
export default {
  kit: {
    // One index.html and relative asset URLs: the build works from any path, e.g. /ipfs/<cid>/.
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: false }),
    router: { type: 'hash' },
    paths: { relative: true },
  },
};
