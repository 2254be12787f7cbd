// The ABIs are generated from the Foundry build into @gridproof/protocol; never hand-written here.
export { companyIdentityAbi, dataLoggerAbi, deviceRegistryAbi, installerRegistryAbi } from '@gridproof/protocol';
