// vue's createApp with a render function (the runtime build has no template compiler).
import { createApp, h, ref, nextTick } from 'vue';

const host = document.querySelector('p-vue');
const app = createApp({
  setup() {
    const who = ref('vue');
    return () => h('p', `hello ${who.value}`);
  },
});
app.mount(host);
nextTick(() => {
  host.dataset.ok = host.textContent.trim();
});
