// The ABIs are generated from the Foundry build into @gridproof/protocol; never hand-written here.
export { dataLoggerAbi, deviceRegistryAbi } from '@gridproof/protocol';
